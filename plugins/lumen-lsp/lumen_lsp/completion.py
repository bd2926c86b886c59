"""placeholder"""


def register(server):
    return None
