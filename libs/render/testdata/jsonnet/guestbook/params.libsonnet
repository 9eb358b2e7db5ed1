{
  name: 'guestbook-ui',
  image: 'registry.example.com/guestbook-ui:0.2',
  containerPort: 80,
  servicePort: 80,
  replicas: 1,
}
