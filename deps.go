package main

import (
	_ "charm.land/bubbles/v2/key"
	_ "charm.land/bubbletea/v2"
	_ "charm.land/lipgloss/v2"
	_ "github.com/charmbracelet/x/ansi"
	_ "github.com/charmbracelet/x/exp/teatest/v2"
	_ "github.com/sahilm/fuzzy"
	_ "golang.org/x/oauth2/clientcredentials"
	_ "github.com/BurntSushi/toml"
)

func main() {}
