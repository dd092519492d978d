/* 70b000000028_topo_28.c - revision 28 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000028", "70b000000027", "topo 28");
TOPO_BODY(28)
