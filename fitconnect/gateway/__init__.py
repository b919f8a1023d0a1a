"""The API gateway: GraphQL (strawberry) at /graphql and REST at /api/v1 over the platform."""
