"""The request pipeline, one module per stage in the order a request flows."""
