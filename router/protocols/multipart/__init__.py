"""Apollo's multipart subscription protocol (``multipart/mixed;subscriptionSpec=1.0``): part
formatting and parsing, without I/O."""
