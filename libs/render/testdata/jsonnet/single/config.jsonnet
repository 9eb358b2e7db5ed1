{
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'single' },
  data: { greeting: 'hello', count: std.toString(std.length([1, 2, 3])) },
}
