"""The HTTP layer: one blueprint per resource, the error contract, request hooks and metrics.

Nothing below `service.api` holds matching or attribution logic: views load a request through its
schema, call the engine with plain values and dump the result through the response schema.
"""
