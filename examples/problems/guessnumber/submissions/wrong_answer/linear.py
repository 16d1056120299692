# Guesses 1, 2, 3, ...: too slow for large numbers.
guess = 1
while True:
    print(guess, flush=True)
    if input() == "correct":
        break
    guess += 1
