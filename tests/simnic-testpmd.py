#!/usr/bin/env python3
"""Runs dpdk-testpmd interactively through a scenario, for the simnic tests.

Usage: simnic-testpmd.py [TESTPMD-ARGS...] < SCENARIO
Each scenario line is a testpmd command, sent once the previous one has
finished (testpmd printed its prompt again), or, after a '!', a shell
command run at that point (to send or capture packets), or '?N TEXT':
wait until testpmd has printed TEXT N times in all (what its forwarding
core prints, such as 'received 1 packets', comes at any time; 10 s at
most).  Blank lines and lines starting with '#' are skipped.  The transcript goes to stdout: each
command after 'testpmd> ', then its output.  Exits with testpmd's status;
a command that does not finish within 30 s is an error.
"""

import os
import select
import subprocess
import sys
import time

PROMPT = b'testpmd> '


class Testpmd:
    def __init__(self, args):
        cmd = ['stdbuf', '-oL', '-eL', 'dpdk-testpmd'] + args
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.buf = b''
        self.seen = b''         # Everything testpmd printed.

    def read(self, timeout):
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        if r:
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                raise EOFError('testpmd exited')
            self.buf += chunk
            self.seen += chunk

    def read_until_prompt(self, timeout=30):
        end = time.time() + timeout
        while PROMPT not in self.buf:
            left = end - time.time()
            if left <= 0:
                raise TimeoutError('no testpmd prompt after %d s' % timeout)
            self.read(left)
        out, self.buf = self.buf.split(PROMPT, 1)
        return out

    def wait_for(self, text, count, timeout=10):
        end = time.time() + timeout
        while self.seen.count(text) < count:
            left = end - time.time()
            if left <= 0:
                raise TimeoutError('%r printed %d times, not %d, after %d s'
                                   % (text, self.seen.count(text), count,
                                      timeout))
            self.read(left)

    def send(self, line):
        self.p.stdin.write(line.encode() + b'\n')
        self.p.stdin.flush()


def main():
    tp = Testpmd(sys.argv[1:])
    out = sys.stdout.buffer
    try:
        out.write(tp.read_until_prompt(60))
        for line in sys.stdin:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            if line.startswith('?'):
                count, text = line[1:].split(' ', 1)
                # Not the text itself: tests count it in the transcript.
                out.write(b'? (waiting for text %d times)\n' % int(count))
                tp.wait_for(text.encode(), int(count))
                continue
            if line.startswith('!'):
                out.write(b'$ ' + line[1:].encode() + b'\n')
                out.flush()
                r = subprocess.run(line[1:], shell=True,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)
                out.write(r.stdout)
                if r.returncode:
                    out.write(b'(exit status %d)\n' % r.returncode)
                continue
            out.write(PROMPT + line.encode() + b'\n')
            tp.send(line)
            out.write(tp.read_until_prompt())
            out.flush()
        out.write(PROMPT + b'quit\n')
        tp.send('quit')
        rest, _ = tp.p.communicate(timeout=30)
        out.write(tp.buf + rest)
    except (TimeoutError, EOFError, subprocess.TimeoutExpired) as e:
        out.write(tp.buf)
        out.write(('\nsimnic-testpmd: %s\n' % e).encode())
        tp.p.kill()
        tp.p.wait()
        return 1
    return tp.p.returncode


if __name__ == '__main__':
    sys.exit(main())
