#!/usr/bin/perl
# sgr-normalize.pl: rewrite a `tmux capture-pane -e -p` capture so that aha
# renders it faithfully.
#
# aha 0.5.1 drops reverse video on default colours (the selected row of
# every list vanishes), renders SGR 27 (reverse off) as reverse on, ignores
# faint, and paints bright colours (90-97, 100-107) through a CSS filter
# that turns bright white into grey. This filter resolves the full SGR state
# of every run of text and re-emits it as `ESC[0m` + bold/italic/underline/
# strike + explicit 24-bit colours (reverse and faint already applied), which
# aha handles correctly. Default colours are the page's (#dddddd on #1a1a1a);
# the 16 ANSI colours use the PuTTY palette (an SSH client analysts use).
use strict;
use warnings;

binmode STDIN,  ':raw';
binmode STDOUT, ':raw';

my @DEF_FG = (0xdd, 0xdd, 0xdd);
my @DEF_BG = (0x1a, 0x1a, 0x1a);
my @ANSI16 = (
    [0x00,0x00,0x00],[0xbb,0x00,0x00],[0x00,0xbb,0x00],[0xbb,0xbb,0x00],
    [0x00,0x00,0xbb],[0xbb,0x00,0xbb],[0x00,0xbb,0xbb],[0xbb,0xbb,0xbb],
    [0x55,0x55,0x55],[0xff,0x55,0x55],[0x55,0xff,0x55],[0xff,0xff,0x55],
    [0x55,0x55,0xff],[0xff,0x55,0xff],[0x55,0xff,0xff],[0xff,0xff,0xff],
);

sub idx_rgb {
    my ($n) = @_;
    return @{ $ANSI16[$n] } if $n < 16;
    if ($n < 232) {
        $n -= 16;
        my @lv = (0, 95, 135, 175, 215, 255);
        return ($lv[int($n / 36)], $lv[int($n / 6) % 6], $lv[$n % 6]);
    }
    my $g = 8 + 10 * ($n - 232);
    return ($g, $g, $g);
}

my %st;
sub reset_state { %st = (fg => undef, bg => undef, bold => 0, faint => 0,
    italic => 0, under => 0, rev => 0, strike => 0, hidden => 0) }
reset_state();

# apply one SGR parameter list (colon sub-parameters treated like ';')
sub apply_sgr {
    my @p = map { $_ eq '' ? 0 : $_ } split /[;:]/, $_[0], -1;
    @p = (0) unless @p;
    while (@p) {
        my $c = shift @p;
        if    ($c == 0)  { reset_state() }
        elsif ($c == 1)  { $st{bold} = 1 }
        elsif ($c == 2)  { $st{faint} = 1 }
        elsif ($c == 3)  { $st{italic} = 1 }
        elsif ($c == 4 || $c == 21) { $st{under} = 1 }
        elsif ($c == 7)  { $st{rev} = 1 }
        elsif ($c == 8)  { $st{hidden} = 1 }
        elsif ($c == 9)  { $st{strike} = 1 }
        elsif ($c == 22) { $st{bold} = 0; $st{faint} = 0 }
        elsif ($c == 23) { $st{italic} = 0 }
        elsif ($c == 24) { $st{under} = 0 }
        elsif ($c == 27) { $st{rev} = 0 }
        elsif ($c == 28) { $st{hidden} = 0 }
        elsif ($c == 29) { $st{strike} = 0 }
        elsif ($c >= 30 && $c <= 37)   { $st{fg} = [idx_rgb($c - 30)] }
        elsif ($c >= 90 && $c <= 97)   { $st{fg} = [idx_rgb($c - 90 + 8)] }
        elsif ($c >= 40 && $c <= 47)   { $st{bg} = [idx_rgb($c - 40)] }
        elsif ($c >= 100 && $c <= 107) { $st{bg} = [idx_rgb($c - 100 + 8)] }
        elsif ($c == 39) { $st{fg} = undef }
        elsif ($c == 49) { $st{bg} = undef }
        elsif ($c == 38 || $c == 48) {
            my $which = $c == 38 ? 'fg' : 'bg';
            my $mode = shift(@p) // 0;
            if ($mode == 5) { $st{$which} = [idx_rgb((shift(@p) // 0) % 256)] }
            elsif ($mode == 2) { $st{$which} = [map { (shift(@p) // 0) % 256 } 1 .. 3] }
        }
        # 5/6 (blink) and anything else: no effect on a still picture
    }
}

sub emit {
    my ($text) = @_;
    return '' if $text eq '';
    my @fg = $st{fg} ? @{ $st{fg} } : @DEF_FG;
    my @bg = $st{bg} ? @{ $st{bg} } : @DEF_BG;
    my $paint_bg = defined $st{bg};
    if ($st{rev}) { my @t = @fg; @fg = @bg; @bg = @t; $paint_bg = 1 }
    if ($st{faint}) { @fg = map { int(($fg[$_] + $bg[$_]) / 2) } 0 .. 2 }
    @fg = @bg if $st{hidden};
    my @a = (0);
    push @a, 1 if $st{bold};
    push @a, 3 if $st{italic};
    push @a, 4 if $st{under};
    push @a, 9 if $st{strike};
    push @a, "38;2;$fg[0];$fg[1];$fg[2]";
    push @a, "48;2;$bg[0];$bg[1];$bg[2]" if $paint_bg;
    return "\e[" . join(';', @a) . "m" . $text;
}

while (my $line = <STDIN>) {
    my $nl = $line =~ s/\r?\n\z// ? "\n" : '';
    my $out = '';
    # SGR sequences change the state; any other escape sequence is dropped.
    for my $tok (split /(\e\[[0-9;:]*m|\e\[[0-?]*[ -\/]*[@-~]|\e\][^\a\e]*(?:\a|\e\\)|\e.)/, $line) {
        next if $tok eq '';
        if ($tok =~ /\A\e\[([0-9;:]*)m\z/) { apply_sgr($1) }
        elsif ($tok =~ /\A\e/) { }
        else { $out .= emit($tok) }
    }
    print $out, "\e[0m", $nl;
}
