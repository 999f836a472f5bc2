"""HTTP plumbing around the GraphQL app: CORS, request ids, metrics, logs, the offline GraphiQL page."""
