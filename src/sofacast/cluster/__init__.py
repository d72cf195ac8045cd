"""Back catalogues on a Dask cluster: each episode's audio work on a worker, the workspace written only here."""
