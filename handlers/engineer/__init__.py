"""Field engineers' flows: joining, the job board, their jobs, tests, parts and resolving."""
