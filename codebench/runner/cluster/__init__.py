"""The run's attempts on a Ray cluster (`--executor ray`): `driver` submits them and writes
their results, `worker` runs each on its node, `shipping` holds what travels between them and
`limiter` bounds model calls across the cluster. ray itself is imported only when used."""
