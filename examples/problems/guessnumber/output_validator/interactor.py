"""Interactor: the secret number comes from the input file; at most 10 guesses.

Run as `interactor.py input answer feedback_dir`: reads guesses on stdin, answers
"higher", "lower" or "correct" on stdout. Exit 42: guessed; 43: not guessed.
"""

import sys

secret = int(open(sys.argv[1]).read())
feedback_dir = sys.argv[3]


def wrong_answer(message: str) -> None:
    with open(feedback_dir + "judgemessage.txt", "a") as feedback:
        feedback.write(message + "\n")
    sys.exit(43)


for guess_number in range(1, 11):
    line = sys.stdin.readline()
    if not line:
        wrong_answer(f"guess {guess_number}: end of output")
    try:
        guess = int(line)
    except ValueError:
        wrong_answer(f"guess {guess_number}: not an integer: {line[:20]!r}")
    if guess == secret:
        print("correct", flush=True)
        if sys.stdin.read().strip():
            wrong_answer("output after the correct guess")
        sys.exit(42)
    print("lower" if guess > secret else "higher", flush=True)
wrong_answer(f"no correct guess in 10 tries (the number was {secret})")
