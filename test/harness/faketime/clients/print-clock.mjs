// A run-to-completion program: prints what its clock says and exits.
console.log(`clock ${Date.now()}`);
