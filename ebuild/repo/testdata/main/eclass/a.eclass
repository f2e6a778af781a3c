# fixture eclass
fixture_hello() { :; }
