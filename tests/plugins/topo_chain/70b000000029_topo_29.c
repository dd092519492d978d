/* 70b000000029_topo_29.c - revision 29 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000029", "70b000000028", "topo 29");
TOPO_BODY(29)
