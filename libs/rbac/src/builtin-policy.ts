/**
 * Argo CD's assets/builtin-policy.csv (v3: with the `update/*` and `delete/*` sub-resource lines), for Berth's
 * resources: `write-repositories` and `exec, debug` are left out (Berth has neither), and role:admin also
 * holds Berth's `approve` on applications; Berth's `notifications` resource is read by role:readonly and
 * changed by role:admin. Loaded before policy.csv in every evaluation; written as globs
 * whatever `policy.matchMode` says.
 */
export const BUILTIN_POLICY_CSV = `# role:readonly reads everything; role:admin also changes everything; the admin account is role:admin.
# Project-scoped resources take <project>/<name> objects, the others a name.

p, role:readonly, applications, get, */*, allow
p, role:readonly, applicationsets, get, */*, allow
p, role:readonly, certificates, get, *, allow
p, role:readonly, clusters, get, *, allow
p, role:readonly, repositories, get, *, allow
p, role:readonly, projects, get, *, allow
p, role:readonly, accounts, get, *, allow
p, role:readonly, gpgkeys, get, *, allow
p, role:readonly, logs, get, */*, allow
p, role:readonly, notifications, get, *, allow

p, role:admin, applications, create, */*, allow
p, role:admin, applications, update, */*, allow
p, role:admin, applications, update/*, */*, allow
p, role:admin, applications, delete, */*, allow
p, role:admin, applications, delete/*, */*, allow
p, role:admin, applications, sync, */*, allow
p, role:admin, applications, override, */*, allow
p, role:admin, applications, action/*, */*, allow
p, role:admin, applications, approve, */*, allow
p, role:admin, applicationsets, get, */*, allow
p, role:admin, applicationsets, create, */*, allow
p, role:admin, applicationsets, update, */*, allow
p, role:admin, applicationsets, delete, */*, allow
p, role:admin, certificates, create, *, allow
p, role:admin, certificates, update, *, allow
p, role:admin, certificates, delete, *, allow
p, role:admin, clusters, create, *, allow
p, role:admin, clusters, update, *, allow
p, role:admin, clusters, delete, *, allow
p, role:admin, repositories, create, *, allow
p, role:admin, repositories, update, *, allow
p, role:admin, repositories, delete, *, allow
p, role:admin, projects, create, *, allow
p, role:admin, projects, update, *, allow
p, role:admin, projects, delete, *, allow
p, role:admin, accounts, update, *, allow
p, role:admin, gpgkeys, create, *, allow
p, role:admin, gpgkeys, delete, *, allow
p, role:admin, exec, create, */*, allow
p, role:admin, notifications, update, *, allow

g, role:admin, role:readonly
g, admin, role:admin
`;

/** The roles the built-in policy defines. */
export const BUILTIN_ROLES: readonly string[] = ['role:readonly', 'role:admin'];
