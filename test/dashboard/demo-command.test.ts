/**
 * `understudy demo` as a user runs it: it prints the dashboard URL and one line per chapter,
 * serves the dashboard while it plays, and stops cleanly on SIGINT or when told to exit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, stopAll } from '../cli/cli-process.ts';

afterEach(stopAll);

describe('understudy demo', () => {
  it('--once --exit plays the four chapters, prints the dashboard URL, and exits 0', async () => {
    const result = await runCli(['demo', '--port', '0', '--once', '--exit', '--speed', '50']);
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.stdout).toMatch(/dashboard +http:\/\/127\.0\.0\.1:\d+\/_understudy\/ /);
    const chapters = result.stdout.split('\n').filter((line) => /^\[\d\/4\]/.test(line));
    expect(chapters.map((line) => line.slice(0, 30))).toEqual([
      expect.stringMatching(/^\[1\/4\] Normal traffic/),
      expect.stringMatching(/^\[2\/4\] The token expires/),
      expect.stringMatching(/^\[3\/4\] Early revocation/),
      expect.stringMatching(/^\[4\/4\] Rate limit/),
    ]);
    expect(result.stdout).toContain('well-behaved-app: API 401, token 200, API 200');
    expect(result.stdout).toContain('token-per-call-app: token 429, token 200, API 200');
  });

  it('serves the dashboard while the story loops, and stops cleanly on SIGINT', async () => {
    const cli = startCli(['demo', '--port', '0', '--speed', '20']);
    const [, url] = await cli.waitForOutput(/dashboard +(\S+)/);
    const page = await fetch(url as string);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('understudy');
    await cli.waitForOutput(/\[2\/4\]/);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stderr()).toContain('SIGINT received, stopping');
  });

  it.each(['0.0.0.0', 'demo.example.test'])('refuses the non-loopback --host %s (exit 2), and says to use serve with control.adminToken', async (host) => {
    const result = await runCli(['demo', '--host', host, '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`--host ${host}: the demo only listens on loopback`);
    expect(result.stderr).toContain('EventSource cannot send an Authorization header');
    expect(result.stderr).toContain(`understudy serve --host ${host}`);
    expect(result.stderr).toContain('control.adminToken');
  });

  it('refuses --exit without --once (exit 2)', async () => {
    const result = await runCli(['demo', '--exit']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--exit only goes with --once');
  });
});
