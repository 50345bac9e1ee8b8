"""Question-bank builder: turns a party-work speech into key concepts and quiz questions.

Plain Python: this package never imports Flask or quizapp. The web app calls
:func:`questions.build.build_bank` and stores what it returns.
"""
