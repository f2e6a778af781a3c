package Hello;
# BuckOS perl_package example.
our $VERSION = '1.0';
sub greeting { return "hello from perl_package"; }
1;
