package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"strings"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// Standard input carries secrets only (passwords, codes), one a line. It
// is bounded: a line longer than maxLineBytes is refused, and no command
// reads more than maxLines lines. The buffer is the only memory used, so
// gigabytes piped in are never read.
const (
	maxLineBytes = 4096
	maxLines     = 3
)

// errInputTooLong is the refusal of a line over maxLineBytes.
var errInputTooLong = &apetitspas.Error{Code: apetitspas.EINVALID, Reason: apetitspas.ReasonInputTooLong}

// input reads standard input one bounded line at a time.
type input struct {
	br   *bufio.Reader
	read int // lines read so far
	// terminal is set when standard input is a terminal (or /dev/null):
	// someone typing, not a script, and waiting for more would hang.
	terminal bool
}

func newInput(r io.Reader) *input {
	if r == nil {
		return &input{}
	}
	in := &input{br: bufio.NewReaderSize(r, maxLineBytes+2)} // room for the longest line and its "\r\n"
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			in.terminal = true
		}
	}
	return in
}

// extra reports whether anything follows the lines a command has read: a
// technician's script that sends more lines than the command reads is
// wrong (its lines are not where it thinks), and is refused before
// anything is done. It reads at most one more buffer. A terminal is not
// asked: a person typing has nothing more to send.
func (in *input) extra() bool {
	if in.br == nil || in.terminal {
		return false
	}
	b, err := in.br.ReadSlice('\n')
	in.br = nil
	return len(b) > 0 || errors.Is(err, bufio.ErrBufferFull)
}

// line returns the next line without its line ending; ok is false at the
// end of the input (or after maxLines lines). A line over maxLineBytes is
// errInputTooLong; nothing after it is read.
func (in *input) line() (s string, ok bool, err error) {
	if in.br == nil || in.read >= maxLines {
		return "", false, nil
	}
	in.read++
	b, err := in.br.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		in.br = nil
		return "", false, errInputTooLong
	case err != nil && len(b) == 0:
		// End of input, or a read error: nothing more to read either way.
		in.br = nil
		return "", false, nil
	case err != nil:
		in.br = nil // a last line without its line ending
	}
	s = strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if len(s) > maxLineBytes {
		in.br = nil
		return "", false, errInputTooLong
	}
	return s, true, nil
}
