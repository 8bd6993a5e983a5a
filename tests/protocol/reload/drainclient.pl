#!/usr/bin/perl
# drainclient.pl - one milter session held open across a stop
#
#   perl drainclient.pl SOCKETPATH QID GOFILE MODE
#
# MODE "body": sends a message up to the middle of its body, prints
# "paused", waits until GOFILE exists, then sends the rest and end of
# message. MODE "idle": negotiates and says HELO, prints "paused", waits
# for GOFILE, then starts a message. Prints the filter's answer to the
# last step ("accept", "replycode TEXT", "tempfail", ...) or "closed" if
# the connection was dropped. Exit status 0 unless the script failed.
use strict;
use warnings;
use IO::Handle;
use IO::Socket::UNIX;

my ($path, $qid, $go, $mode) = @ARGV;
die "usage: drainclient.pl SOCKETPATH QID GOFILE body|idle\n"
    unless defined $mode;
STDOUT->autoflush(1);
$SIG{ALRM} = sub { print "timeout\n"; exit 0 };
alarm 90;

my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $path)
    or die "drainclient.pl: connect $path: $!\n";
binmode $s;
$SIG{PIPE} = 'IGNORE';

my %name = (c => 'continue', a => 'accept', r => 'reject', t => 'tempfail',
    d => 'discard', y => 'replycode');

sub send_cmd {
	my ($cmd, $data) = @_;
	$data = '' unless defined $data;
	my $pkt = pack('N', length($data) + 1) . $cmd . $data;
	return defined(syswrite($s, $pkt)) ? 1 : 0;
}

sub readn {
	my ($n) = @_;
	my $buf = '';
	while (length($buf) < $n) {
		my $r = sysread($s, $buf, $n - length($buf), length($buf));
		return undef unless $r;
	}
	return $buf;
}

sub reply {
	my $len = readn(4);
	return () unless defined $len;
	my $pkt = readn(unpack('N', $len));
	return () unless defined $pkt;
	return (substr($pkt, 0, 1), substr($pkt, 1));
}

# answer - print the filter's answer and stop, unless it is "continue"
# (or a modification before the final answer)
sub answer {
	for (;;) {
		my ($r, $d) = reply();
		if (!defined $r) {
			print "closed\n";
			exit 0;
		}
		next if $r eq 'h' || $r eq '+' || $r eq 'm';
		return if $r eq 'c';
		$d =~ s/\0+$//;
		print(($name{$r} // $r), ($d ne '' ? " $d" : ''), "\n");
		exit 0;
	}
}

sub step {
	my ($cmd, $data) = @_;
	unless (send_cmd($cmd, $data)) {
		print "closed\n";
		exit 0;
	}
	answer();
}

send_cmd('O', pack('NNN', 6, 0x1ff, 0x100)) or die "drainclient.pl: write\n";
my ($r) = reply();
die "drainclient.pl: no option negotiation\n" unless defined $r && $r eq 'O';
step('C', "client.example\0" . '4' . pack('n', 25) . "192.0.2.10\0");
step('H', "client.example\0");
if ($mode eq 'body') {
	send_cmd('D', "M" . "i\0$qid\0");
	step('M', "<rivera\@district.example>\0");
	step('R', "<parent\@gmail.com>\0");
	step('L', "Subject\0grades\0");
	step('N', '');
	step('B', "Hello, first half.\r\n");
}
print "paused\n";
select(undef, undef, undef, 0.1) until -e $go;
if ($mode eq 'idle') {
	send_cmd('D', "M" . "i\0$qid\0");
	step('M', "<rivera\@district.example>\0");
	print "continue\n";
	exit 0;
}
step('B', "and the second half.\r\n");
send_cmd('E', '') or do { print "closed\n"; exit 0 };
answer();
print "continue\n";
exit 0;
