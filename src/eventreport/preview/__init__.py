"""`invoke preview`: the report in the browser, rebuilt and reloaded on every save.

rebuild.py makes the HTML (and, on request, the PDF) into build/.preview/<event>/, never
touching build/<event>/; page.py adds the reload script and the preview bar to what the
server sends (never to the files); server.py serves that folder on 127.0.0.1 only;
session.py runs it all: watch, rebuild, tell the open pages, stop cleanly on Ctrl-C.
"""
