'use strict';
// The npm README's "Quick Usage" example, its client half, as written there but for the lines
// marked "glue": the server half is the Java port in another process.
// usage: node readme-client.js PATH
var fs = require('fs');
var zlib = require('zlib');
var usocket = require('usocket');

var path = process.argv[2]; // glue: README connects to __dirname + "/socket"
var client = new usocket.USocket();

client.on('connected', function() { client.read(0); });

client.on('readable', function() {
  var msg = client.read(7, 1);
  if (!msg) return;
  // glue: report what arrived, reading the file through the received fd
  var content = fs.readFileSync(msg.fds[0]);
  console.log('data ' + msg.data + ' fds ' + msg.fds.length + ' size ' + content.length + ' crc ' +
    (zlib.crc32(content) >>> 0).toString(16).padStart(8, '0'));
  fs.close(msg.fds[0]);
  client.end(); // README also closes its server here: the Java server closes when this socket has gone
});

// glue: README connects from its server's listen callback, a later turn than the listeners
// above (usocket aborts if a 'readable' listener starts reading a socket still connecting).
setImmediate(function() { client.connect(path); });
