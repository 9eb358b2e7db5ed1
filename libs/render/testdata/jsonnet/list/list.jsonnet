{
  apiVersion: 'v1',
  kind: 'List',
  items: [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-list-' + i } }
    for i in ['a', 'b']
  ],
}
