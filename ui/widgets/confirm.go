package widgets

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mdlr/keymap"
)

// Answer is the outcome of a key press in a Confirm.
type Answer int

// Answers of a Confirm.
const (
	Pending Answer = iota // still open: the key was not an answer
	Yes
	No
)

// Confirm is a y/N question whose default is No: only the Yes binding
// confirms; No, esc and enter decline; other keys are ignored.
type Confirm struct {
	Question string
	open     bool
}

// Open shows the question.
func (c *Confirm) Open(question string) {
	c.Question = question
	c.open = true
}

// Active reports whether the question is showing.
func (c *Confirm) Active() bool { return c.open }

// Update handles a key press while the question is showing.
func (c *Confirm) Update(msg tea.KeyPressMsg, k keymap.Confirm) Answer {
	if !c.open {
		return Pending
	}
	switch {
	case key.Matches(msg, k.Yes):
		c.open = false
		return Yes
	case key.Matches(msg, k.No):
		c.open = false
		return No
	}
	return Pending
}

// Prompt is the question followed by the answer hint, e.g. "Delete x? [y/N]".
func (c *Confirm) Prompt() string { return c.Question + " [y/N]" }
