"""The marketplace API (/api/v1): JSON, Bearer API keys, an OpenAPI document generated from its schemas."""
