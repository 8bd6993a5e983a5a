#!/usr/bin/perl
# rawclient.pl - speak the milter protocol directly, for what miltertest
# cannot send: one header field of SIZE bytes (miltertest copies header
# fields through a 1024-byte buffer).
#
#   perl rawclient.pl SOCKETPATH SIZE
#
# Sends a message to parent@gmail.com whose Subject is SIZE bytes long and
# ends in "grades", and prints the answer to end of message: "replycode
# TEXT", "accept", "tempfail", ... or "closed" if the filter dropped the
# connection. Exit status 0 unless the script itself failed.
use strict;
use warnings;
use IO::Socket::UNIX;

my ($path, $size) = @ARGV;
die "usage: rawclient.pl SOCKETPATH SIZE\n" unless defined $size;
$SIG{ALRM} = sub { print "timeout\n"; exit 0 };
alarm 30;

my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $path)
    or die "rawclient.pl: connect $path: $!\n";
binmode $s;
$SIG{PIPE} = 'IGNORE';

my %name = (c => 'continue', a => 'accept', r => 'reject', t => 'tempfail',
    d => 'discard', y => 'replycode', h => 'addheader', '+' => 'addrcpt');

# send - one packet; 0 if the filter is gone
sub send_cmd {
	my ($cmd, $data) = @_;
	$data = '' unless defined $data;
	my $pkt = pack('N', length($data) + 1) . $cmd . $data;
	return defined(syswrite($s, $pkt)) ? 1 : 0;
}

# readn - exactly n bytes, or undef at end of file
sub readn {
	my ($n) = @_;
	my $buf = '';
	while (length($buf) < $n) {
		my $r = sysread($s, $buf, $n - length($buf), length($buf));
		return undef unless $r;
	}
	return $buf;
}

# reply - one packet from the filter: (cmd, data), or () when closed
sub reply {
	my $len = readn(4);
	return () unless defined $len;
	my $n = unpack('N', $len);
	my $pkt = readn($n);
	return () unless defined $pkt;
	return (substr($pkt, 0, 1), substr($pkt, 1));
}

# step - send a command and expect "continue"; exits printing the answer
# otherwise
sub step {
	my ($cmd, $data) = @_;
	unless (send_cmd($cmd, $data)) {
		print "closed\n";
		exit 0;
	}
	my ($r, $d) = reply();
	if (!defined $r) {
		print "closed\n";
		exit 0;
	}
	return if $r eq 'c';
	$d =~ s/\0+$//;
	print(($name{$r} // $r), ($d ne '' ? " $d" : ''), "\n");
	exit 0;
}

# option negotiation: protocol version 6, every action, and only
# SMFIP_NOUNKNOWN (0x100) among the steps, so that every step is answered
send_cmd('O', pack('NNN', 6, 0x1ff, 0x100)) or die "rawclient.pl: write\n";
my ($r) = reply();
die "rawclient.pl: no option negotiation\n" unless defined $r && $r eq 'O';

step('C', "client.example\0" . '4' . pack('n', 25) . "192.0.2.10\0");
step('H', "client.example\0");
send_cmd('D', "M" . "i\0PROTORAW$size\0");
step('M', "<rivera\@district.example>\0");
step('R', "<parent\@gmail.com>\0");
step('T', '');
step('L', "Subject\0" . ('x' x ($size - 7)) . " grades\0");
step('N', '');
step('B', "Hello.\r\n");
send_cmd('E', '') or do { print "closed\n"; exit 0 };
for (;;) {
	my ($cmd, $data) = reply();
	if (!defined $cmd) {
		print "closed\n";
		last;
	}
	next if $cmd eq 'h' || $cmd eq '+';
	$data =~ s/\0+$//;
	print(($name{$cmd} // $cmd), ($data ne '' ? " $data" : ''), "\n");
	last;
}
send_cmd('Q', '');
close $s;
exit 0;
