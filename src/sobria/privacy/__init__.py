"""Privacy rules shared by every figure Sobria shows: who may be seen in an aggregate."""
