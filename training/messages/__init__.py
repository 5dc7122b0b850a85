"""The messages layer: composing messages and the one outbox that sends them.

Below the services, above the models. It knows no feature: each message kind
registers its composer with :func:`training.messages.outbox.kind`, next to the
feature that owns it.
"""
