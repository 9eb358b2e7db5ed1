{
  common(name, tier):: {
    app: name,
    tier: tier,
    'app.kubernetes.io/managed-by': 'jsonnet',
  },
}
