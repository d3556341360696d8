"""Keep the stack offline and quiet.

Imported first by the package: huggingface_hub, transformers and gradio read these
variables at import time, so setting them later is too late (see shared PITFALLS).
Nothing here overrides a value the operator has already set.
"""

import os

_OFFLINE_DEFAULTS = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "NO_PROXY": "localhost,127.0.0.1",
}

for _name, _value in _OFFLINE_DEFAULTS.items():
    os.environ.setdefault(_name, _value)
