"""The web UI: a thin Gradio layer over `Assistant`.

    app.py       the page: tabs laid out and wired, `serve`
    handlers.py  what each control does (one call into the pipeline, then formatting)
    render.py    pipeline objects -> HTML and Markdown
"""
