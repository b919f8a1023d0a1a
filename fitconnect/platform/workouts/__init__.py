"""The workouts context: structured workouts (files in and out, a library, their load) and
the calendar of planned workouts. The model itself is the wire contract's
(``fitconnect.schemas.workouts``): the edge agent runs the same structs."""
