from sofacast.cli import main

main()
