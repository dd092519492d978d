/* 70b000000010_topo_10.c - revision 10 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000010", "70b000000009", "topo 10");
TOPO_BODY(10)
