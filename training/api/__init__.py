"""The REST API (``/api/v1/``): an entry point like the audience packages.

Views are thin: a serializer in, one service or selector call, a serializer
out. Every query goes through ``districts.scoping`` (a token acts as its
owner); writes go through the same services as the web pages. The OpenAPI
schema comes from drf-spectacular and is committed as ``docs/openapi.yaml``.
"""
