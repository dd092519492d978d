/* 70b000000027_topo_27.c - revision 27 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000027", "70b000000026", "topo 27");
TOPO_BODY(27)
