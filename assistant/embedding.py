"""The embedding model: loaded once, from a local path, never from a hub."""

from __future__ import annotations

from functools import cached_property

from llama_index.embeddings.huggingface import HuggingFaceEmbedding

from assistant.config import Settings


class Embedder:
    """all-MiniLM-L6-v2 (or a configured local model) through LlamaIndex's HF wrapper."""

    def __init__(self, settings: Settings):
        self.model_path = settings.resolved_embed_model()
        self.batch_size = settings.embed_batch_size

    @cached_property
    def llama(self):
        return HuggingFaceEmbedding(
            model_name=self.model_path,
            device="cpu",
            embed_batch_size=self.batch_size,
            normalize=True,
        )

    @cached_property
    def tokenizer(self):
        return self.llama._model.tokenizer

    def count_tokens(self, text: str) -> int:
        """Word-pieces as the model sees them (it reads at most 256)."""
        # verbose=False: measuring a unit longer than the model reads (to split it) is not an error
        return len(self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def embed_texts(self, texts: list[str]) -> list[list[float]]:
        return self.llama.get_text_embedding_batch(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.llama.get_query_embedding(text)
