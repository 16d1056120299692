pairs = {")": "(", "]": "[", "}": "{"}
for _ in range(int(input())):
    stack = []
    ok = True
    for c in input().strip():
        if c in "([{":
            stack.append(c)
        elif not stack or stack.pop() != pairs[c]:
            ok = False
            break
    print("yes" if ok and not stack else "no")
