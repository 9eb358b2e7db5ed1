// Builds the oracle input for every catalog template field × sample app × service type.
// node libs/gotemplate/tools/go-oracle/catalog-cases.js > /tmp/catalog-cases.json
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const dir = path.join(__dirname, '../../testdata');
// The Argo CD catalog and the seed ConfigMap are libs/notifications' testdata (one copy in the repository).
const notifications = path.join(__dirname, '../../../notifications/testdata');
const catalog = path.join(notifications, 'catalog', 'templates');
const apps = JSON.parse(fs.readFileSync(path.join(dir, 'apps.json'), 'utf8'));
const cases = [];
const fields = (obj, prefix = '') =>
  Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'string' ? [[prefix + k, v]] : fields(v, prefix + k + '.'),
  );
for (const file of fs.readdirSync(catalog).sort()) {
  const tmpl = YAML.parse(fs.readFileSync(path.join(catalog, file), 'utf8'));
  for (const [field, source] of fields(tmpl)) {
    for (const [appName, app] of Object.entries(apps)) {
      for (const serviceType of ['slack', 'email']) {
        cases.push({
          name: `${file.replace('.yaml', '')}/${field}/${appName}/${serviceType}`,
          template: source,
          data: {
            app,
            context: { argocdUrl: 'https://argocd.example.com', notificationType: serviceType },
            serviceType,
            recipient: 'ops',
          },
        });
      }
    }
  }
}
const seed = YAML.parse(
  fs.readFileSync(path.join(notifications, 'seed-argocd-notifications-cm.yaml'), 'utf8'),
);
const seedTmpl = YAML.parse(seed.data['template.app-sync-status']);
for (const [appName, app] of Object.entries(apps)) {
  cases.push({
    name: `seed-app-sync-status/message/${appName}/slack`,
    template: seedTmpl.message,
    data: { app, context: {}, serviceType: 'slack' },
  });
}
process.stdout.write(JSON.stringify(cases, null, 1));
