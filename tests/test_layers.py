"""The package's shape, read from its source: imports run one way along the pipeline.

    foundation -> language -> access -> ingest -> services -> index -> retrieve ->
    conversation -> answer -> suggest/examples -> briefing -> pipeline -> evaluation -> web -> cli

A module may import its own stage or an earlier one, never a later one; imports sit at the
top of modules (an optional extra is the one exception); modules and functions stay small.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from files import ROOT

PACKAGE = ROOT / "assistant"
STAGES = [
    {"types", "config", "errors", "_offline", "local_db"},
    {"language"},
    {"access", "corrections"},  # officers' decisions about a paper: who may see it, what it is
    {"ingest"},
    {"embedding", "manifest", "llm", "view", "chroma_server"},  # services the later stages use
    {"index"},
    {"retrieve"},
    {"conversation"},
    {"answer"},
    {"suggest", "examples"},
    {"briefing"},
    {"pipeline"},
    {"evaluation"},
    {"web"},
    {"cli"},
]
STAGE_OF = {unit: n for n, units in enumerate(STAGES) for unit in units}
# A GGUF model needs the optional extra `.[local-llm]`: imported only when configured.
ALLOWED_INSIDE_FUNCTIONS = {("llm/__init__.py", "llama_index.llms.llama_cpp")}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "__init__.py")


def unit_of(module: str) -> str:
    """'assistant.retrieve.scope' -> 'retrieve'."""
    return module.split(".")[1]


def package_imports(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant."):
            found.append(node.module)
        elif isinstance(node, ast.ImportFrom) and node.module == "assistant":
            found += [f"assistant.{alias.name}" for alias in node.names]
    return found


def test_every_module_belongs_to_a_stage():
    units = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in modules()}
    assert units <= STAGE_OF.keys(), units - STAGE_OF.keys()


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_later_stage(path):
    unit = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    later = [m for m in package_imports(ast.parse(path.read_text("utf-8"))) if STAGE_OF[unit_of(m)] > STAGE_OF[unit]]
    assert not later, f"{unit} (stage {STAGE_OF[unit]}) imports later stages: {later}"


def test_imports_sit_at_the_top_of_modules():
    inside = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for function in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    name = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                    if (str(path.relative_to(PACKAGE)), name) not in ALLOWED_INSIDE_FUNCTIONS:
                        inside.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}")
    assert not inside


def test_modules_and_functions_stay_small():
    too_long = []
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text("utf-8")
        if source.count("\n") > 400:
            too_long.append(f"{path.relative_to(PACKAGE)}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 60:
                too_long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}()")
    assert not too_long
