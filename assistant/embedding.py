"""The embedding model: loaded once, from a local path, never from a hub."""

from __future__ import annotations

from functools import cached_property

from llama_index.embeddings.huggingface import HuggingFaceEmbedding

from assistant.config import Settings


QUOTE_CACHE = 20_000  # quotes' vectors kept (384 floats each)


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

    def similarities(self, question: str, texts: list[str]) -> list[float]:
        """Cosine similarity of the question with each text (vectors are normalised).
        Quotes recur from question to question, so each text is embedded once."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._quote_vectors]
        if missing:
            self._quote_vectors.update(zip(missing, self.embed_texts(missing)))
            while len(self._quote_vectors) > QUOTE_CACHE:
                self._quote_vectors.pop(next(iter(self._quote_vectors)))
        q = self.embed_query(question)
        return [sum(a * b for a, b in zip(q, self._quote_vectors[t])) for t in texts]

    @cached_property
    def _quote_vectors(self) -> dict[str, list[float]]:
        return {}
