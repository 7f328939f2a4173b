// Registered and at once unregistered by secure-context.js: a browser registers a service
// worker only from a server whose certificate it trusts. It does nothing.
