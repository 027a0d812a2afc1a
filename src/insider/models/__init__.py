"""Model providers registered with Inspect: `embedded/<name>` (llama.cpp in process) and
`replay/<path.jsonl>` (answers from a file). Importing this package registers both; neither
import loads llama.cpp or a model until a model is created."""

from insider.models import embedded, replay  # noqa: F401  (registers the providers)
