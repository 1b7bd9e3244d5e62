'use strict';
// The npm README's "Quick Usage" example, its server half, as written there but for the lines
// marked "glue": the client half is the Java port in another process.
// usage: node readme-server.js PATH
var fs = require('fs');
var usocket = require('usocket');

var path = process.argv[2]; // glue: README listens on __dirname + "/socket"
var server = new usocket.UServer();

server.listen(path, function() {
  console.log('listening'); // glue: README connects its client here; the test does once it reads this line
});

server.on('connection', function(connection) {
  var msg = Buffer.from("message");
  var fd = fs.openSync(__filename, "r");
  setTimeout(function() {
  	connection.end({ data: msg, fds: [fd], callback: function() { fs.close(fd); } });
  }, 500);
  // glue: README's client closes the server. Here it closes once the client has gone
  // (usocket only sees the client's end while it reads, hence resume()).
  connection.resume();
  connection.on('close', function() { server.close(); console.log('closed'); });
});
