import { packageVersion } from '../../server/base/package-root.ts';

/** The version in understudy's package.json (the CLI's --version and the serve banner). */
export function readPackageVersion(): string {
  return packageVersion();
}
