"""`gen-report serve`: the same tool as a page in the officer's own browser.

app.py holds the routes (Starlette), work.py what each request does with an upload (its own
temporary folder, removed afterwards), preview.py the document as HTML. Nothing here checks or
computes a figure: every check, message and file comes from the same functions as the CLI.
"""
