"""Starting an event: `invoke new` drafts `sources/<slug>/` from a folder of files.

gather.py looks at the folder (untrusted: links out of it are refused, every file goes
through the readers and their limits), draft.py decides what the event holds, writing.py
writes event.yaml and the session files, new.py is the recipe.
"""
