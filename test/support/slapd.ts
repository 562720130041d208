/**
 * A private OpenLDAP slapd for the LDAP suites: its own temp dir (slapd.conf, mdb database,
 * a CA and server certificate made with `openssl` at start), a test tree loaded with slapadd,
 * plain LDAP (StartTLS offered) and LDAPS on random loopback ports. stop() kills it and removes
 * the directory. When slapd/openssl are missing, slapdUnavailableReason() says why.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export const SLAPD_BINARY = '/usr/sbin/slapd';
const SLAPADD_BINARY = '/usr/sbin/slapadd';
const SCHEMA_DIR = '/etc/ldap/schema';
const MODULE_DIR = '/usr/lib/ldap';

export const BASE_DN = 'dc=example,dc=org';
export const PEOPLE_DN = `ou=people,${BASE_DN}`;
export const APP_DN = `cn=reader,${BASE_DN}`;
export const APP_PASSWORD = 'reader-secret';

export interface TestLdapUser {
  uid: string;
  cn: string;
  mail?: string;
  password: string;
}

/** The people of the test tree. `dana(ops)*` has filter metacharacters in her uid. */
export const LDAP_USERS = {
  alice: { uid: 'alice', cn: 'Alice Anders', mail: 'alice@example.org', password: 'alice-pass' },
  bob: { uid: 'bob', cn: 'Bob Brown', mail: 'bob@example.org', password: 'bob-pass' },
  carol: { uid: 'carol', cn: 'Carol Cyclic', mail: 'carol@example.org', password: 'carol-pass' },
  dana: {
    uid: 'dana(ops)*',
    cn: "O'Brien, Dana \u00e9",
    mail: 'dana@example.org',
    password: 'dana-pass',
  },
  nomail: { uid: 'nomail', cn: 'No Mail', password: 'nomail-pass' },
} satisfies Record<string, TestLdapUser>;

/**
 * Groups: engineers ∋ alice; staff ∋ engineers, bob; everyone ∋ staff (alice: 3 levels);
 * loop-a ∋ loop-b, carol and loop-b ∋ loop-a (a cycle); no user is in "empty-ish".
 */
const GROUPS: { cn: string; members: string[] }[] = [
  { cn: 'engineers', members: [userDn('alice')] },
  { cn: 'staff', members: [groupDn('engineers'), userDn('bob')] },
  { cn: 'everyone', members: [groupDn('staff')] },
  { cn: 'loop-a', members: [groupDn('loop-b'), userDn('carol')] },
  { cn: 'loop-b', members: [groupDn('loop-a')] },
  { cn: 'empty-ish', members: [APP_DN] },
];

export function userDn(uid: string): string {
  return `uid=${uid},${PEOPLE_DN}`;
}

export function groupDn(cn: string): string {
  return `cn=${cn},ou=groups,${BASE_DN}`;
}

export interface TestSlapd {
  host: string;
  /** Plain LDAP; StartTLS is offered on it. */
  port: number;
  /** LDAPS. */
  tlsPort: number;
  /** PEM file of the CA that signed the server certificate. */
  caFile: string;
  /** PEM file of an unrelated CA (for "wrong CA" checks). */
  otherCaFile: string;
  stop(): Promise<void>;
}

/** Why slapd cannot run here, or undefined when it can. */
export function slapdUnavailableReason(): string | undefined {
  if (!existsSync(SLAPD_BINARY)) return `${SLAPD_BINARY} is missing (apt-get install slapd)`;
  if (!existsSync(SLAPADD_BINARY)) return `${SLAPADD_BINARY} is missing`;
  if (!existsSync(join(SCHEMA_DIR, 'inetorgperson.schema')))
    return `${SCHEMA_DIR}/inetorgperson.schema is missing`;
  if (spawnSync('openssl', ['version']).status !== 0) return 'openssl is not installed';
  return undefined;
}

export async function startSlapd(): Promise<TestSlapd> {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-slapd-'));
  try {
    makeCertificates(dir);
    const config = writeConfig(dir);
    writeFileSync(join(dir, 'tree.ldif'), treeLdif());
    run(SLAPADD_BINARY, ['-f', config, '-l', join(dir, 'tree.ldif')]);
    return await launch(dir, config);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function launch(dir: string, config: string, attempt = 1): Promise<TestSlapd> {
  const [port, tlsPort] = [await freePort(), await freePort()];
  const urls = `ldap://127.0.0.1:${port}/ ldaps://127.0.0.1:${tlsPort}/`;
  // -d 0 keeps slapd in the foreground (a child we can kill) without debug output.
  const child = spawn(SLAPD_BINARY, ['-f', config, '-h', urls, '-d', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = (await waitForPort(port, child)) && (await waitForPort(tlsPort, child));
  if (!ready) {
    child.kill('SIGKILL');
    if (attempt < 3) return launch(dir, config, attempt + 1);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`slapd did not start: ${stderr.slice(-2000)}`);
  }
  return {
    host: '127.0.0.1',
    port,
    tlsPort,
    caFile: join(dir, 'ca.pem'),
    otherCaFile: join(dir, 'other-ca.pem'),
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function writeConfig(dir: string): string {
  mkdirSync(join(dir, 'db'));
  const path = join(dir, 'slapd.conf');
  writeFileSync(
    path,
    [
      ...['core', 'cosine', 'inetorgperson'].map(
        (schema) => `include ${SCHEMA_DIR}/${schema}.schema`,
      ),
      `modulepath ${MODULE_DIR}`,
      'moduleload back_mdb',
      `pidfile ${join(dir, 'slapd.pid')}`,
      `TLSCACertificateFile ${join(dir, 'ca.pem')}`,
      `TLSCertificateFile ${join(dir, 'server.pem')}`,
      `TLSCertificateKeyFile ${join(dir, 'server.key')}`,
      'database mdb',
      'maxsize 16777216',
      `suffix "${BASE_DN}"`,
      `rootdn "cn=admin,${BASE_DN}"`,
      'rootpw admin-secret',
      `directory ${join(dir, 'db')}`,
      // Passwords: only usable to bind. Everything else: readable by bound users only, so
      // the application bind is really needed to search.
      'access to attrs=userPassword by anonymous auth by self write by * none',
      'access to * by users read by * none',
      '',
    ].join('\n'),
  );
  return path;
}

function treeLdif(): string {
  const entries: string[] = [
    `dn: ${BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example`,
    `dn: ${PEOPLE_DN}\nobjectClass: organizationalUnit\nou: people`,
    `dn: ou=groups,${BASE_DN}\nobjectClass: organizationalUnit\nou: groups`,
    `dn: ${APP_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: reader\nuserPassword: ${APP_PASSWORD}`,
  ];
  for (const user of Object.values(LDAP_USERS) as TestLdapUser[]) {
    entries.push(
      [
        `dn: ${userDn(user.uid)}`,
        'objectClass: inetOrgPerson',
        `uid: ${user.uid}`,
        `cn:: ${Buffer.from(user.cn).toString('base64')}`,
        'sn: Test',
        ...(user.mail ? [`mail: ${user.mail}`] : []),
        `userPassword: ${user.password}`,
      ].join('\n'),
    );
  }
  for (const group of GROUPS) {
    entries.push(
      [
        `dn: ${groupDn(group.cn)}`,
        'objectClass: groupOfNames',
        `cn: ${group.cn}`,
        ...group.members.map((member) => `member: ${member}`),
      ].join('\n'),
    );
  }
  return entries.join('\n\n') + '\n';
}

/** A CA, a server certificate for 127.0.0.1/localhost signed by it, and an unrelated CA. */
function makeCertificates(dir: string): void {
  const at = (name: string) => join(dir, name);
  const newCa = (key: string, cert: string, name: string) =>
    run('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-keyout', at(key), '-out', at(cert), '-subj', `/CN=${name}`,
    ]); // prettier-ignore
  newCa('ca.key', 'ca.pem', 'Atrium Test CA');
  newCa('other-ca.key', 'other-ca.pem', 'Unrelated CA');
  run('openssl', [
    'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('server.key'),
    '-out', at('server.csr'), '-subj', '/CN=localhost',
  ]); // prettier-ignore
  writeFileSync(at('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('openssl', [
    'x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'),
    '-CAcreateserial', '-days', '2', '-out', at('server.pem'), '-extfile', at('san.ext'),
  ]); // prettier-ignore
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${command} ${args[0]} failed: ${result.stderr || result.error?.message}`);
}

/** Polls until the port accepts connections (true), or slapd exits / 10 s pass (false). */
async function waitForPort(port: number, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    child.kill('SIGTERM');
  });
}
