// What `npm run demo` and `npm start` need before they can start anything, checked in order, each with the exact
// command that fixes it: a build in dist/, helm + kubectl, Postgres and Redis on 127.0.0.1.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { DemoError } from './demo-error.mjs';

export const BUILT_ENTRYPOINTS = [
  'dist/apps/scheduler/src/main.js',
  'dist/apps/worker/src/main.js',
  'dist/apps/notifier/src/main.js',
  'dist/apps/sandbox/src/main.js',
  'dist/libs/infra/src/index.js',
];

/** Runs `npm run <script>` in the checkout, its output passed through (the user sees the build). */
export function runNpmScript(cwd, script) {
  return new Promise((resolve, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['run', script], { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(undefined)
        : reject(
            new DemoError('Prerequisite', `npm run ${script} failed (exit ${code}); fix the error above`),
          ),
    );
  });
}

export function missingBuild(cwd) {
  return BUILT_ENTRYPOINTS.filter((f) => !existsSync(join(cwd, f)));
}

/** helm and kubectl as the renderer finds them: HELM_PATH/KUBECTL_PATH, then .tools/bin. */
export function missingTools(cwd) {
  const missing = [];
  if (!process.env['HELM_PATH'] && !existsSync(join(cwd, '.tools/bin/helm'))) missing.push('helm');
  if (!process.env['KUBECTL_PATH'] && !existsSync(join(cwd, '.tools/bin/kubectl'))) missing.push('kubectl');
  return missing;
}

/** The kubectl the demo uses to cause drift: the pinned one in .tools/bin first. */
export function kubectlPath(cwd) {
  return process.env['KUBECTL_PATH'] ?? join(cwd, '.tools/bin/kubectl');
}

export async function checkPostgres(adminUrl) {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new DemoError(
      'Prerequisite',
      `Postgres is not reachable at ${redactUrl(adminUrl)} (${error.message}).\n` +
        '  Start it, then run the command again:\n' +
        '    Debian/Ubuntu:  pg_ctlcluster 15 main start && pg_isready -h 127.0.0.1\n' +
        '    Docker:         docker run -d --name berth-pg -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15\n' +
        '  or point DATABASE_URL (npm start) or DEMO_DATABASE_ADMIN_URL (the demo) at a server where you may create databases.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A Redis PING over a raw socket: no client retry loop to hide a refused connection. */
export function checkRedis(redisUrl) {
  const url = new URL(redisUrl);
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 6379);
  return new Promise((resolve, reject) => {
    const fail = (why) =>
      reject(
        new DemoError(
          'Prerequisite',
          `Redis is not reachable at ${host}:${port} (${why}).\n` +
            '  Start it, then run the command again:\n' +
            "    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no\n" +
            '    Docker:  docker run -d --name berth-redis -p 6379:6379 redis:7\n' +
            '  or set REDIS_URL.',
        ),
      );
    const socket = connect({ host, port });
    socket.setTimeout(3000, () => {
      socket.destroy();
      fail('timed out');
    });
    socket.once('error', (error) => fail(error.message));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.end();
      const reply = data.toString();
      // A password-protected Redis answers -NOAUTH: reachable; the workers will say more if the URL lacks it.
      if (reply.startsWith('+PONG') || reply.includes('NOAUTH')) resolve(undefined);
      else fail(`unexpected answer ${JSON.stringify(reply.trim())}`);
    });
  });
}

export function redactUrl(value) {
  try {
    const u = new URL(value);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return value;
  }
}
