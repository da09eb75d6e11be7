"""Signals the complaints app sends to modules built on it.

``training_required`` is sent (after the transaction commits) when a complaint or a CAPA
records that a responsible department must be trained on a change. Keyword arguments:

* ``source``: the ``Capa`` or ``Complaint`` instance;
* ``department``: the ``org.Department`` to train;
* ``topic``: what the training is about (str);
* ``actor``: the user who recorded it;
* ``due_date``: a ``datetime.date`` or ``None``.

The training module connects a receiver in its ``AppConfig.ready()`` and creates a training
need; the complaints app keeps its own record (``ChangeTraining``) either way.
"""

import django.dispatch

training_required = django.dispatch.Signal()
